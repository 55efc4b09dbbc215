/**
 * A group of two resizable panes whose sizes are remembered (layout.ts): sizes come from storage (clamped), are
 * written back only when the user drags or uses the keyboard on a divider, and go back to the defaults on "Reset
 * layout" (the group remounts with the default sizes). Double-clicking a divider also restores its default.
 */
import { Fragment, type ReactNode } from 'react';
import { Group, Panel, Separator } from 'react-resizable-panels';
import { GROUPS, loadSizes, saveSizes, type GroupId } from './layout';
import { useWorkspace } from './workspace-state';

export function PaneGroup({ id, orientation, children, label }: { id: GroupId; orientation: 'horizontal' | 'vertical'; children: Record<string, ReactNode>; label: string }) {
  const version = useWorkspace((s) => s.layoutVersion);
  const limits = GROUPS[id];
  const ids = Object.keys(limits);
  // Panel ids become element ids and test ids: prefixed so they never collide with the app's own.
  const sizes = Object.fromEntries(Object.entries(loadSizes(id)).map(([k, v]) => [`pane-${k}`, v]));
  const unprefixed = (layout: Record<string, number>) => Object.fromEntries(Object.entries(layout).map(([k, v]) => [k.replace(/^pane-/, ''), v]));
  return (
    <Group
      key={version}
      id={`ws-${id}`}
      orientation={orientation}
      className={`pane-group ${orientation}`}
      defaultLayout={sizes}
      onLayoutChanged={(layout, meta) => {
        if (meta.isUserInteraction) saveSizes(id, unprefixed(meta.requestedLayout ?? layout));
      }}
    >
      {ids.map((panelId, i) => (
        <Fragment key={panelId}>
          {i > 0 && <Separator className={`pane-divider ${orientation}`} aria-label={`Resize: ${label}`} />}
          <Panel id={`pane-${panelId}`} minSize={`${limits[panelId]!.min}%`} maxSize={`${limits[panelId]!.max}%`} className="pane-slot">
            {children[panelId]}
          </Panel>
        </Fragment>
      ))}
    </Group>
  );
}
