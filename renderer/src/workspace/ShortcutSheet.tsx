/** The "?" sheet: every key the app answers, grouped, read from the one action registry. */
import { KEYMAP, keyLabel, type Category } from './keymap';

const ORDER: Category[] = ['Playback', 'Move around', 'Edit the timeline', 'Zoom', 'Reorder clips', 'Workspace', 'Sheet table'];

const WHERE: Partial<Record<Category, string>> = {
  'Sheet table': 'while the sheet table has the focus',
  'Reorder clips': 'on the timeline, from the keyboard',
};

export function ShortcutSheet() {
  return (
    <div className="shortcut-sheet">
      <p className="muted">
        Timeline keys work when the timeline or the viewer has the focus (click it), not while you type in a field or in the sheet table.
      </p>
      <div className="shortcut-columns">
        {ORDER.map((category) => (
          <section key={category} aria-label={category}>
            <h3>
              {category}
              {WHERE[category] && <span className="muted"> ({WHERE[category]})</span>}
            </h3>
            <dl>
              {KEYMAP.filter((a) => a.category === category).map((a) => (
                <div className="shortcut" key={a.id} data-action={a.id}>
                  <dt>
                    {a.keys.length ? (
                      a.keys.map((k, i) => (
                        <span key={i}>
                          {i > 0 && ' '}
                          <kbd>{keyLabel(k)}</kbd>
                        </span>
                      ))
                    ) : (
                      <span className="muted">{a.hint ?? 'mouse'}</span>
                    )}
                  </dt>
                  <dd>{a.label}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
    </div>
  );
}
