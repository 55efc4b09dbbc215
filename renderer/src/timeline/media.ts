/** Where the app serves a clip, its thumbnail, its frame strip and the music bed (relative, so browser mode and the desktop app agree). */
export const clipUrl = (rowId: number) => `/media/${rowId}`;
export const thumbUrl = (rowId: number) => `/media/${rowId}/thumb`;
export const stripUrl = (rowId: number) => `/media/${rowId}/strip`;
/** What the viewer plays: the clip's all-intra scrubbing proxy once main has made it, else the clip itself. */
export const viewUrl = (rowId: number) => `/media/${rowId}/view`;
/** Every frame of the clip, small, in one image (the viewer draws from it while scrubbing). */
export const framesUrl = (rowId: number) => `/media/${rowId}/frames`;
export const musicUrl = (batchId: number) => `/media/music/${batchId}`;
