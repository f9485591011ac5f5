/** Parses iputils `ping -n` output (run with LC_ALL=C). */

export interface PingSummary {
  transmitted: number;
  received: number;
  /** Loss in percent as ping prints it. */
  lossPercent: number;
  /** Round trips in ms (absent when nothing came back). */
  rtt?: { min: number; avg: number; max: number };
  /** TTL (IPv4) / hop limit (IPv6) of the last reply. */
  ttl?: number;
}

export function parsePing(out: string): PingSummary | undefined {
  const stats = /(\d+) packets transmitted, (\d+) received,.*?([\d.]+)% packet loss/.exec(out);
  if (!stats) return undefined;
  const summary: PingSummary = {
    transmitted: Number(stats[1]),
    received: Number(stats[2]),
    lossPercent: Number(stats[3]),
  };
  const rtt = /= ([\d.]+)\/([\d.]+)\/([\d.]+)\/[\d.]+ ms/.exec(out);
  if (rtt) summary.rtt = { min: Number(rtt[1]), avg: Number(rtt[2]), max: Number(rtt[3]) };
  const ttls = [...out.matchAll(/ttl=(\d+)/g)];
  if (ttls.length > 0) summary.ttl = Number(ttls[ttls.length - 1][1]);
  return summary;
}
