export function App() {
  return (
    <main className="app">
      <h1>Venice Batch</h1>
      <p>Import a spreadsheet of prompts, check the cost, and queue the whole batch overnight.</p>
    </main>
  );
}
