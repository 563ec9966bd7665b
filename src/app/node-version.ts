/** The oldest Node.js the hub runs on: the `node` package in dependencies pins a 24.x for npm scripts. */
export const MINIMUM_NODE = { major: 24, minor: 11 };

/**
 * Why this Node.js cannot run the hub, or null. Started through npm (`npm start`), the hub runs on
 * the Node 24 the project installs in node_modules/.bin; a system Node that is older (20 is end of
 * life) gets a readable refusal instead of failing somewhere deep in a dependency.
 */
export function unsupportedNode(version: string = process.versions.node): string | null {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > MINIMUM_NODE.major || (major === MINIMUM_NODE.major && minor >= MINIMUM_NODE.minor))
    return null;
  return (
    `Switchboard needs Node.js ${MINIMUM_NODE.major}.${MINIMUM_NODE.minor} or later, and this is ${version}. ` +
    'Start it through npm (npm start, npm run replay ...): npm scripts use the Node 24 that npm install put in node_modules/.bin.'
  );
}
