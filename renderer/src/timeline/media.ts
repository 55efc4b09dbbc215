/** Where the app serves a clip, its thumbnail, its frame strip and the music bed (relative, so browser mode and the desktop app agree). */
export const clipUrl = (rowId: number) => `/media/${rowId}`;
export const thumbUrl = (rowId: number) => `/media/${rowId}/thumb`;
export const stripUrl = (rowId: number) => `/media/${rowId}/strip`;
export const musicUrl = (batchId: number) => `/media/music/${batchId}`;
