/**
 * What the double was asked to read, so a test can prove how the adapter reads: which node role it
 * asked for, whether a deadline came with the call, whether a consumer that stopped early cancelled
 * it, and whether anything scanned $all backwards through a filter (the scan a server runs until it
 * finds its matches or reaches the start of the log, however long that takes).
 */
export interface ReadRecord {
  target: 'stream' | 'all';
  /** The stream read, or `$all`. */
  stream: string;
  backwards: boolean;
  filtered: boolean;
  subscription: boolean;
  /** The client sent `requires-leader: true`. */
  requiresLeader: boolean;
  /** The call carried a gRPC deadline. */
  deadline: boolean;
  /** Events written to the call so far. */
  sent: number;
  /** The client cancelled the call before the double finished it. */
  cancelled: boolean;
  /** Answered NotLeader. */
  refused?: boolean;
}

export class ReadLog {
  readonly records: ReadRecord[] = [];
  /** How to drop each live subscription, as a lost node would. */
  readonly droppers = new Set<() => void>();

  /** Reads that ask for the leader get NotLeader (pointing here) while this is above 0. */
  notLeaderReads = 0;
  /** Where NotLeader sends the client: this node, as the leader elected after a change. */
  leaderEndpoint = { host: '127.0.0.1', port: 0 };

  /** Plays a node that just lost the leadership, for the next `reads` leader reads. */
  actAsFollowerFor(reads: number): void {
    this.notLeaderReads = reads;
  }

  /** Ends every live subscription with UNAVAILABLE; returns how many there were. */
  dropSubscriptions(): number {
    const count = this.droppers.size;
    for (const drop of [...this.droppers]) drop();
    return count;
  }

  add(record: Omit<ReadRecord, 'sent' | 'cancelled'>): ReadRecord {
    const entry = { ...record, sent: 0, cancelled: false };
    this.records.push(entry);
    return entry;
  }

  /** Backward $all reads with a filter: what headPosition(filter) used to cost. */
  backwardFilteredScans(): ReadRecord[] {
    return this.records.filter((r) => r.target === 'all' && r.backwards && r.filtered && !r.subscription);
  }

  clear(): void {
    this.records.length = 0;
  }
}
