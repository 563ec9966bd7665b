import pg from 'pg';

/** The marker as text, and in each of the three base64 alignments a byte string containing it can have. */
export function forms(marker: string): string[] {
  const forms = [marker];
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.from(`${'x'.repeat(shift)}${marker}`).toString('base64');
    // Drop the characters that depend on the bytes around the marker.
    forms.push(encoded.slice(Math.ceil((shift * 4) / 3) + 1, -4));
  }
  return forms;
}

/** Every row of every table of the database, as text, with the table it came from. */
export async function everyRow(url: string): Promise<Array<{ table: string; text: string }>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    const rows: Array<{ table: string; text: string }> = [];
    for (const { schema, name } of tables.rows) {
      const table = `"${schema}"."${name}"`;
      const result = await client.query<{ text: string }>(`SELECT t::text AS text FROM ${table} t`);
      for (const row of result.rows) rows.push({ table, text: row.text });
    }
    return rows;
  } finally {
    await client.end();
  }
}

export function findings(rows: Array<{ table: string; text: string }>, marker: string): string[] {
  const wanted = forms(marker);
  return rows.filter((row) => wanted.some((form) => row.text.includes(form))).map((row) => row.table);
}
