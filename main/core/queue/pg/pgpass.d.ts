/** The `pgpass` module (node-postgres' own ~/.pgpass reader) ships no types: the one call connection-config.ts makes. */
declare module 'pgpass' {
  interface PgPassParams {
    host?: string;
    port?: number | string;
    database?: string;
    user?: string;
  }
  function pgpass(params: PgPassParams, callback: (password: string | undefined) => void): void;
  export default pgpass;
}
