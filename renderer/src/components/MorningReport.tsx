/**
 * The morning report panel: what happened to a batch overnight, read in ten seconds. Clips done, spend against the
 * quote, each row that needs a decision with why and what to do, and the time lost to pauses with their causes.
 * "Open the batch" shows its rows (where the decisions are made); "Got it" puts the report away for good.
 */
import { usd } from '../format';
import { useBatchStore } from '../state/batches';
import { useReportStore } from '../state/report';
import { formatSpan as span } from '../../../main/core/sheet/format';

export function MorningReport() {
  const report = useReportStore((s) => s.report);
  const dismiss = useReportStore((s) => s.dismiss);
  const select = useBatchStore((s) => s.select);
  if (!report) return null;
  const { clips, spend } = report;
  const over = spend.chargedUsd > spend.quotedUsd + 0.005;
  return (
    <section className="panel morning-report" aria-label="Morning report" data-testid="morning-report">
      <div className="report-head">
        <h2>Morning report: {report.name}</h2>
        {report.rehearsal && <span className="badge rehearsal">Rehearsal</span>}
        <span className="spacer" />
        <button onClick={() => void select(report.batchId)}>Open the batch</button>
        <button onClick={() => void dismiss()}>Got it</button>
      </div>
      <div className="report-figures">
        <div data-testid="report-clips">
          <strong>
            {clips.done} of {clips.total}
          </strong>{' '}
          clips done
          {clips.failed > 0 && `, ${clips.failed} failed`}
          {clips.inDoubt > 0 && `, ${clips.inDoubt} in doubt`}
          {clips.notSent > 0 && `, ${clips.notSent} not sent`}
          {clips.cancelled > 0 && `, ${clips.cancelled} cancelled`}
        </div>
        <div data-testid="report-spend" className={over ? 'warn' : undefined}>
          <strong>{usd(spend.chargedUsd)}</strong> {report.rehearsal ? 'rehearsed' : 'spent'} of {usd(spend.quotedUsd)} quoted
          {spend.inDoubtUsd > 0 && ` (+ up to ${usd(spend.inDoubtUsd)} in doubt)`}
        </div>
        <div data-testid="report-lost">
          {report.lostMs >= 1000 ? (
            <>
              <strong>{span(report.lostMs)}</strong> lost to pauses
            </>
          ) : (
            'No time lost to pauses'
          )}
        </div>
      </div>
      {report.pauses.length > 0 && (
        <ul className="report-pauses" data-testid="report-pauses">
          {report.pauses.map((p) => (
            <li key={p.cause}>
              {p.label}: {span(p.totalMs)}
              {p.count > 1 && ` (${p.count} times)`}
              {p.ongoing && <span className="warn"> still waiting</span>}
            </li>
          ))}
        </ul>
      )}
      {report.decisions.length > 0 ? (
        <>
          <h3>
            {report.decisions.length} {report.decisions.length === 1 ? 'row needs' : 'rows need'} your decision
          </h3>
          <ul className="report-decisions" data-testid="report-decisions">
            {report.decisions.map((d) => (
              <li key={d.rowId}>
                <strong>
                  Row {d.row}
                  {d.take > 1 && ` (take ${d.take})`}
                  {d.name && ` · ${d.name}`}
                </strong>{' '}
                <span className={d.state === 'in_doubt' ? 'warn' : 'error'}>{d.state === 'in_doubt' ? 'in doubt' : 'failed'}</span>: {d.reason}
                <div className="muted">{d.action}</div>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="muted">Nothing needs your decision.</p>
      )}
    </section>
  );
}
