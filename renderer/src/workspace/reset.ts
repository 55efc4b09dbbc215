/** "Reset layout": forget the dragged pane sizes and put every pane back at its default size. */
import { clearSizes } from './layout';
import { useWorkspace } from './workspace-state';

export function resetLayout(): void {
  clearSizes();
  useWorkspace.getState().bumpLayout();
}
