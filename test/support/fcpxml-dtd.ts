/**
 * Structure checks from Apple's FCPXML 1.9 DTD (FCPXMLv1_9.dtd), for the elements a hand-off uses: each element's
 * content model (children and their order, as the DTD's regular expression over child names), its declared
 * attributes (required, allowed, enumerated values, the #FIXED version), ID uniqueness, IDREF targets and the
 * syntax of `%time;` values. Transcribed by hand from the DTD's ELEMENT/ATTLIST declarations (the DTD file itself
 * is Apple's and is not copied into this repository); an element the hand-off never writes is refused outright.
 */
import type { XmlNode } from './handoff-readers';

interface Model {
  /** Regular expression over the space-terminated list of child element names. */
  content: RegExp;
  required: string[];
  allowed: string[];
  enums?: Record<string, string[]>;
  idrefs?: string[];
  times?: string[];
}

const EVENT_ITEM = 'clip|audition|mc-clip|ref-clip|sync-clip|asset-clip|collection-folder|keyword-collection|smart-collection|project';
const CLIP_ITEM = 'audio|video|clip|title|mc-clip|ref-clip|sync-clip|asset-clip|audition|gap';
const ANCHOR_ITEM = 'audio|video|clip|title|caption|mc-clip|ref-clip|sync-clip|asset-clip|audition|spine';
const MARKER_ITEM = 'marker|chapter-marker|rating|keyword|analysis-marker';
const VIDEO_INTRINSIC =
  '(adjust-crop )?(adjust-corners )?(adjust-conform )?(adjust-transform )?(adjust-blend )?(adjust-stabilization )?(adjust-rollingShutter )?(adjust-360-transform )?(adjust-reorient )?(adjust-orientation )?';
const AUDIO_INTRINSIC = '(adjust-volume )?(adjust-panner )?';
const EMPTY = /^$/;
const AO = ['lane', 'offset'];
const CLIP_ATTRS = [...AO, 'name', 'start', 'duration', 'enabled'];
const AUDIO_HZ = ['32k', '44.1k', '48k', '88.2k', '96k', '176.4k', '192k'];

export const FCPXML_1_9: Record<string, Model> = {
  fcpxml: { content: new RegExp(`^(import-options )?(resources )?(library |(event )*|((${EVENT_ITEM}) )*)$`), required: ['version'], allowed: ['version'] },
  resources: { content: /^((asset|effect|format|media) )*$/, required: [], allowed: [] },
  format: {
    content: EMPTY,
    required: ['id'],
    allowed: ['id', 'name', 'frameDuration', 'fieldOrder', 'width', 'height', 'paspH', 'paspV', 'colorSpace', 'projection', 'stereoscopic'],
    times: ['frameDuration'],
  },
  asset: {
    content: /^(media-rep )+(metadata )?$/,
    required: ['id'],
    allowed: ['id', 'name', 'uid', 'start', 'duration', 'hasVideo', 'format', 'hasAudio', 'videoSources', 'audioSources', 'audioChannels', 'audioRate', 'customLUTOverride', 'colorSpaceOverride', 'projectionOverride', 'stereoscopicOverride'],
    idrefs: ['format'],
    times: ['start', 'duration'],
  },
  'media-rep': { content: /^(bookmark )?$/, required: ['src'], allowed: ['kind', 'sig', 'src', 'suggestedFilename'], enums: { kind: ['original-media', 'proxy-media'] } },
  effect: { content: EMPTY, required: ['id', 'uid'], allowed: ['id', 'name', 'uid', 'src'] },
  library: { content: /^((event|smart-collection) )*$/, required: [], allowed: ['location', 'colorProcessing'], enums: { colorProcessing: ['standard', 'wide', 'wide-hdr'] } },
  event: { content: new RegExp(`^((${EVENT_ITEM}) )*$`), required: [], allowed: ['name', 'uid'] },
  project: { content: /^sequence $/, required: [], allowed: ['name', 'uid', 'id', 'modDate'] },
  sequence: {
    content: /^(note )?spine (metadata )?$/,
    required: ['format'],
    allowed: ['format', 'duration', 'tcStart', 'tcFormat', 'audioLayout', 'audioRate', 'renderFormat', 'keywords'],
    enums: { tcFormat: ['DF', 'NDF'], audioLayout: ['mono', 'stereo', 'surround'], audioRate: AUDIO_HZ },
    idrefs: ['format'],
    times: ['duration', 'tcStart'],
  },
  spine: { content: new RegExp(`^((${CLIP_ITEM}|transition) )*$`), required: [], allowed: [...AO, 'name', 'format'], idrefs: ['format'], times: ['offset'] },
  'asset-clip': {
    content: new RegExp(
      `^(note )?(conform-rate )?(timeMap )?${VIDEO_INTRINSIC}${AUDIO_INTRINSIC}((${ANCHOR_ITEM}) )*((${MARKER_ITEM}) )*(audio-channel-source )*((filter-video|filter-video-mask) )*(filter-audio )*(metadata )?$`,
    ),
    required: ['ref'],
    allowed: [...CLIP_ATTRS, 'ref', 'srcEnable', 'audioStart', 'audioDuration', 'format', 'tcStart', 'tcFormat', 'modDate', 'audioRole', 'videoRole'],
    enums: { enabled: ['0', '1'], srcEnable: ['all', 'audio', 'video'], tcFormat: ['DF', 'NDF'] },
    idrefs: ['ref', 'format'],
    times: ['offset', 'start', 'duration', 'audioStart', 'audioDuration', 'tcStart'],
  },
  transition: {
    content: new RegExp(`^(filter-video )?(filter-audio )?((${MARKER_ITEM}) )*(metadata )?(reserved )?$`),
    required: ['duration'],
    allowed: ['name', 'offset', 'duration'],
    times: ['offset', 'duration'],
  },
  'filter-video': { content: /^(info-asc-cdl )?(data )*(param )*$/, required: ['ref'], allowed: ['ref', 'name', 'enabled'], enums: { enabled: ['0', '1'] }, idrefs: ['ref'] },
  'filter-audio': { content: /^(data )?(param )*$/, required: ['ref'], allowed: ['ref', 'name', 'enabled', 'presetID'], enums: { enabled: ['0', '1'] }, idrefs: ['ref'] },
  marker: { content: EMPTY, required: ['start', 'value'], allowed: ['start', 'duration', 'value', 'completed', 'note'], times: ['start', 'duration'] },
  'adjust-volume': { content: /^(param )*$/, required: [], allowed: ['amount'] },
};

/** Problems with the document against the DTD's structure; empty when it conforms. */
export function fcpxmlDtdProblems(root: XmlNode): string[] {
  const problems: string[] = [];
  const ids = new Map<string, string>();
  const refs: Array<[string, string]> = [];
  const visit = (n: XmlNode, where: string) => {
    const here = `${where}/${n.name}`;
    const m = FCPXML_1_9[n.name];
    if (!m) {
      problems.push(`${here}: <${n.name}> is not an element the hand-off should write`);
      return;
    }
    const names = n.children.map((c) => `${c.name} `).join('');
    if (!m.content.test(names)) problems.push(`${here}: children [${names.trim()}] do not match the content model ${m.content}`);
    if (n.text.trim()) problems.push(`${here}: has text content`);
    for (const r of m.required) if (n.attrs[r] === undefined) problems.push(`${here}: required attribute ${r} missing`);
    for (const [k, v] of Object.entries(n.attrs)) {
      if (!m.allowed.includes(k)) problems.push(`${here}: attribute ${k} is not declared`);
      const e = m.enums?.[k];
      if (e && !e.includes(v)) problems.push(`${here}: ${k}="${v}" is not one of ${e.join('|')}`);
      if (m.times?.includes(k) && !/^-?\d+(\/\d+)?s$/.test(v)) problems.push(`${here}: ${k}="${v}" is not a %time; value`);
      if (m.idrefs?.includes(k)) refs.push([here, v]);
    }
    if (n.name === 'fcpxml' && n.attrs.version !== '1.9') problems.push(`version is #FIXED "1.9", found ${n.attrs.version}`);
    const id = ['format', 'asset', 'effect', 'media', 'project'].includes(n.name) ? n.attrs.id : undefined;
    if (id !== undefined) {
      if (!/^[A-Za-z_][\w.-]*$/.test(id)) problems.push(`${here}: id "${id}" is not an XML name`);
      if (ids.has(id)) problems.push(`${here}: id "${id}" is used twice`);
      ids.set(id, n.name);
    }
    n.children.forEach((c) => visit(c, here));
  };
  visit(root, '');
  for (const [where, ref] of refs) if (!ids.has(ref)) problems.push(`${where}: IDREF "${ref}" names no element`);
  return problems;
}
