/**
 * The renderer's one door to the pure sheet module (main/core/sheet: no Node, no DOM beyond TextDecoder), which
 * ARCHITECTURE.md lets the page use for instant feedback while main re-validates before anything is queued.
 */
export * from '../../../main/core/sheet/index';
