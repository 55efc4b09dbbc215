/**
 * zod schemas for every Venice video endpoint, shared by the client (which validates what it sends and what it
 * receives) and the simulator (which validates requests exactly as strictly as Venice does).
 *
 * Requests are strict because Venice answers 400 to unknown fields. Responses are loose because Venice adds
 * fields over time and an extra field must never break an overnight batch.
 */
import { z } from 'zod';

export const DEFAULT_PROMPT_LIMIT = 2500;
export const NEGATIVE_PROMPT_LIMIT = 2500;

export const ModelConstraintsSchema = z.looseObject({
  model_type: z.string().optional(),
  durations: z.array(z.string()).optional(),
  resolutions: z.array(z.string()).optional(),
  // An EMPTY array means the model does not accept the parameter at all: it must then be omitted.
  aspect_ratios: z.array(z.string()).optional(),
  audio: z.boolean().optional(),
  audio_configurable: z.boolean().optional(),
  prompt_character_limit: z.number().int().positive().optional(),
});
export type ModelConstraints = z.infer<typeof ModelConstraintsSchema>;

export const ModelSpecSchema = z.looseObject({
  name: z.string().optional(),
  constraints: ModelConstraintsSchema.optional(),
  // Seen both as an object ({ date }) and as a plain string; either way it only feeds a warning.
  deprecation: z.union([z.string(), z.looseObject({ date: z.string().optional() })]).nullable().optional(),
  beta: z.boolean().optional(),
  offline: z.boolean().optional(),
});

export const ModelSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().optional(),
  model_spec: ModelSpecSchema.optional(),
});
export type VeniceModel = z.infer<typeof ModelSchema>;

export const ModelListResponseSchema = z.looseObject({
  object: z.literal('list').optional(),
  data: z.array(ModelSchema),
});
export type ModelListResponse = z.infer<typeof ModelListResponseSchema>;

const durationField = z.string().regex(/^\d+(\.\d+)?s$/, 'a duration such as "5s"');

export const QuoteRequestSchema = z.strictObject({
  model: z.string().min(1),
  duration: durationField,
  resolution: z.string().min(1).optional(),
  aspect_ratio: z.string().min(1).optional(),
  audio: z.boolean().optional(),
});
export type QuoteRequest = z.infer<typeof QuoteRequestSchema>;

export const QuoteResponseSchema = z.looseObject({ quote: z.number().nonnegative() });
export type QuoteResponse = z.infer<typeof QuoteResponseSchema>;

const mediaUrl = z
  .string()
  .min(1)
  .refine((v) => /^https?:\/\//i.test(v) || /^data:/i.test(v), 'an http(s) URL or a data: URL');

export const QueueRequestSchema = z.strictObject({
  model: z.string().min(1),
  prompt: z.string().min(1),
  negative_prompt: z.string().max(NEGATIVE_PROMPT_LIMIT).optional(),
  duration: durationField,
  aspect_ratio: z.string().min(1).optional(),
  resolution: z.string().min(1).optional(),
  audio: z.boolean().optional(),
  image_url: mediaUrl.optional(),
  audio_url: mediaUrl.optional(),
  video_url: mediaUrl.optional(),
});
export type QueueRequest = z.infer<typeof QueueRequestSchema>;

export const QueueResponseSchema = z.looseObject({
  model: z.string(),
  queue_id: z.string().min(1),
  // Pre-signed, ~24 h, returned ONCE: the caller must persist it with the queue_id (and never log it).
  download_url: z.string().url().optional(),
});
export type QueueResponse = z.infer<typeof QueueResponseSchema>;

export const RetrieveRequestSchema = z.strictObject({
  model: z.string().min(1),
  queue_id: z.string().min(1),
  delete_media_on_completion: z.boolean().optional(),
});
export type RetrieveRequest = z.infer<typeof RetrieveRequestSchema>;

export const RetrieveProcessingSchema = z.looseObject({
  status: z.literal('PROCESSING'),
  average_execution_time: z.number().nonnegative().optional(),
  execution_duration: z.number().nonnegative().optional(),
});
export type RetrieveProcessing = z.infer<typeof RetrieveProcessingSchema>;

/** Models that handed out a download_url answer a bare JSON string (or an object with that status) when done. */
export const RetrieveCompletedSchema = z.union([
  z.literal('COMPLETED'),
  z.looseObject({ status: z.literal('COMPLETED') }),
]);

export const CompleteRequestSchema = z.strictObject({
  model: z.string().min(1),
  queue_id: z.string().min(1),
});
export type CompleteRequest = z.infer<typeof CompleteRequestSchema>;

export const CompleteResponseSchema = z.looseObject({ success: z.boolean() });

/** Venice error bodies: `{error}` or `{error, details, issues?}`; 422 may add suggested_prompt / credits_refunded. */
export const ErrorBodySchema = z.looseObject({
  error: z.union([z.string(), z.looseObject({ code: z.string().optional(), message: z.string().optional() })]).optional(),
  details: z.unknown().optional(),
  issues: z.array(z.unknown()).optional(),
  suggested_prompt: z.string().optional(),
  credits_refunded: z.union([z.number(), z.boolean()]).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
