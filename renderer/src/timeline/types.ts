/** The timeline's shapes as the contract gives them, named once for the renderer. */
import type { CallInput, CallOutput } from '../../../main/contract';

export type TimelineView = CallOutput<'timeline:get'>;
export type TimelineClip = TimelineView['clips'][number];
export type BinClip = TimelineView['bin'][number];
export type Transition = TimelineClip['transitionIn'];
export type MusicView = NonNullable<TimelineView['music']>;
export type Marker = TimelineView['markers'][number];
export type Waveform = NonNullable<CallOutput<'timeline:waveform'>>;
export type ExportJob = CallOutput<'export:start'>;
export type PresetName = CallInput<'export:start'>['preset'];
export type HandoffFile = CallOutput<'export:handoff'>['files'][number];

/** Mirrors main/core/media/timeline.ts (the renderer may not import it): the longest crossfade the backend takes. */
export const MAX_CROSSFADE_SEC = 10;
/** The shortest piece of a clip a trim may leave: shorter would not show as a frame worth cutting to. */
export const MIN_CLIP_SEC = 0.1;
