/**
 * MCP tool names from action ids. Clients accept `[a-zA-Z0-9_-]{1,64}` (several refuse a dot), so
 * every other character becomes `_`: `github.create_issue` → `github_create_issue`. The provider
 * part stays in the name because an agent often holds several connections' servers at once, and
 * `create_issue` alone would collide between them.
 */
const NOT_IN_TOOL_NAME = /[^A-Za-z0-9_-]/g;
const MAX_TOOL_NAME_LENGTH = 64;

export function toolNameOf(actionId: string): string {
  const name = actionId.replace(NOT_IN_TOOL_NAME, '_');
  if (name.length === 0 || name.length > MAX_TOOL_NAME_LENGTH)
    throw new Error(`Action id ${JSON.stringify(actionId)} makes no MCP tool name of 1 to 64 characters`);
  return name;
}

/**
 * Tool name → action id for a set of actions. Two ids that map to one name (`a.b_c`, `a_b.c`) are
 * a connector's mistake: refused here rather than serving one of them under the other's name.
 */
export function toolNameIndex(actionIds: readonly string[]): Map<string, string> {
  const index = new Map<string, string>();
  for (const id of actionIds) {
    const name = toolNameOf(id);
    const taken = index.get(name);
    if (taken !== undefined && taken !== id)
      throw new Error(`Actions ${taken} and ${id} would both be the MCP tool ${name}`);
    index.set(name, id);
  }
  return index;
}
