/**
 * Request validation as strict as Venice's: first the shared zod schemas (strict, so an unknown field is a 400),
 * then the chosen model's constraints. Every problem is reported at once, in Venice's zod-formatted shape
 * `{error, details: {<field>: {_errors: [...]}}, issues}`, so a client can tell the user which field to fix.
 */
import type { z } from 'zod';
import {
  CompleteRequestSchema,
  QueueRequestSchema,
  QuoteRequestSchema,
  RetrieveRequestSchema,
  DEFAULT_PROMPT_LIMIT,
} from '../schemas';
import { findSimModel, type SimModelDef } from './models';

export interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

export interface Rejection {
  ok: false;
  status: number;
  body: Record<string, unknown>;
}

export type Checked<T> = { ok: true; value: T } | Rejection;

export interface ClipParams {
  model: SimModelDef;
  duration: string;
  resolution: string;
  /** null when the model takes no aspect ratio (the clip then follows the "image": 16:9 here). */
  aspectRatio: string | null;
  audio: boolean;
}

export interface QueueParams extends ClipParams {
  prompt: string;
  negativePrompt: string | undefined;
  imageUrl: string | undefined;
}

export interface JobRef {
  model: SimModelDef;
  queueId: string;
  deleteMediaOnCompletion: boolean;
}

/** Venice applies this when negative_prompt is left out. */
export const DEFAULT_NEGATIVE_PROMPT = 'low resolution, error, worst quality, low quality, defects';

export function badRequest(issues: Issue[]): Rejection {
  const root: string[] = [];
  const fields: Record<string, { _errors: string[] }> = {};
  const add = (field: string, message: string) => {
    const slot = field === '' ? root : (fields[field] ??= { _errors: [] })._errors;
    slot.push(message);
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      // zod puts this at the root; naming each key as well lets a client point at the offending field.
      add('', issue.message);
      for (const key of issue.keys) add(key, `Unrecognized key "${key}": Venice does not accept this field`);
    } else {
      add(issue.path.map(String).join('.'), issue.message);
    }
  }
  return { ok: false, status: 400, body: { error: 'Invalid request', details: { _errors: root, ...fields }, issues } };
}

function parse<T extends z.ZodType>(schema: T, body: unknown): Checked<z.infer<T>> {
  const r = schema.safeParse(body);
  if (r.success) return { ok: true, value: r.data };
  return badRequest(r.error.issues.map((i) => ({ ...(i as Issue), path: [...i.path] })));
}

const issue = (field: string, message: string): Issue => ({ code: 'custom', path: [field], message });

function knownModel(id: string): Checked<SimModelDef> {
  const model = findSimModel(id);
  return model ? { ok: true, value: model } : badRequest([issue('model', `Unknown model "${id}"; list models with GET /models?type=video`)]);
}

function oneOf(list: readonly string[]): string {
  return list.join(', ');
}

/** The constraints shared by quote and queue: duration, resolution, aspect ratio, audio. */
function checkClip(
  model: SimModelDef,
  req: { duration: string; resolution?: string; aspect_ratio?: string; audio?: boolean },
  issues: Issue[],
): ClipParams {
  if (!model.durations.includes(req.duration)) {
    issues.push(issue('duration', `${model.id} offers durations ${oneOf(model.durations)}; got "${req.duration}"`));
  }
  if (req.resolution !== undefined && !model.resolutions.includes(req.resolution)) {
    issues.push(issue('resolution', `${model.id} offers resolutions ${oneOf(model.resolutions)}; got "${req.resolution}"`));
  }
  if (req.aspect_ratio !== undefined) {
    if (model.aspectRatios.length === 0) {
      issues.push(issue('aspect_ratio', `${model.id} does not accept aspect_ratio: leave the field out`));
    } else if (!model.aspectRatios.includes(req.aspect_ratio)) {
      issues.push(issue('aspect_ratio', `${model.id} offers aspect ratios ${oneOf(model.aspectRatios)}; got "${req.aspect_ratio}"`));
    }
  }
  if (req.audio === true && !model.audio) {
    issues.push(issue('audio', `${model.id} makes silent clips: audio cannot be true`));
  } else if (req.audio === false && model.audio && !model.audioConfigurable) {
    issues.push(issue('audio', `${model.id} always generates audio: audio cannot be false`));
  }
  const defaultResolution = model.resolutions.includes('720p') ? '720p' : (model.resolutions[0] ?? '720p');
  return {
    model,
    duration: req.duration,
    resolution: req.resolution ?? defaultResolution,
    aspectRatio: model.aspectRatios.length === 0 ? null : (req.aspect_ratio ?? model.aspectRatios[0] ?? null),
    audio: model.audio && (model.audioConfigurable ? (req.audio ?? true) : true),
  };
}

export function validateQuote(body: unknown): Checked<ClipParams> {
  const req = parse(QuoteRequestSchema, body);
  if (!req.ok) return req;
  const model = knownModel(req.value.model);
  if (!model.ok) return model;
  const issues: Issue[] = [];
  const clip = checkClip(model.value, req.value, issues);
  return issues.length > 0 ? badRequest(issues) : { ok: true, value: clip };
}

export function validateQueue(body: unknown): Checked<QueueParams> {
  const req = parse(QueueRequestSchema, body);
  if (!req.ok) return req;
  const model = knownModel(req.value.model);
  if (!model.ok) return model;
  const m = model.value;
  const r = req.value;
  const issues: Issue[] = [];
  const clip = checkClip(m, r, issues);
  const limit = m.promptLimit ?? DEFAULT_PROMPT_LIMIT;
  if (r.prompt.length > limit) {
    issues.push(issue('prompt', `${m.id} accepts prompts of at most ${limit} characters; got ${r.prompt.length}`));
  }
  if (m.modelType === 'image-to-video' && r.image_url === undefined) {
    issues.push(issue('image_url', `${m.id} is an image-to-video model: image_url is required`));
  } else if (m.modelType !== 'image-to-video' && r.image_url !== undefined) {
    issues.push(issue('image_url', `${m.id} is a text-to-video model: leave image_url out`));
  }
  if (r.video_url !== undefined) issues.push(issue('video_url', `${m.id} does not take a source video`));
  if (r.audio_url !== undefined && !m.audio) issues.push(issue('audio_url', `${m.id} makes silent clips: leave audio_url out`));
  if (issues.length > 0) return badRequest(issues);
  return {
    ok: true,
    value: { ...clip, prompt: r.prompt, negativePrompt: r.negative_prompt ?? DEFAULT_NEGATIVE_PROMPT, imageUrl: r.image_url },
  };
}

export function validateRetrieve(body: unknown): Checked<JobRef> {
  const req = parse(RetrieveRequestSchema, body);
  if (!req.ok) return req;
  const model = knownModel(req.value.model);
  if (!model.ok) return model;
  return {
    ok: true,
    value: { model: model.value, queueId: req.value.queue_id, deleteMediaOnCompletion: req.value.delete_media_on_completion ?? false },
  };
}

export function validateComplete(body: unknown): Checked<JobRef> {
  const req = parse(CompleteRequestSchema, body);
  if (!req.ok) return req;
  const model = knownModel(req.value.model);
  if (!model.ok) return model;
  return { ok: true, value: { model: model.value, queueId: req.value.queue_id, deleteMediaOnCompletion: false } };
}
