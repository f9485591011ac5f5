import { readdirSync } from 'node:fs';
import path from 'node:path';
import { add, type Collector, family, fields, type MetricFamily, readSys } from './family.js';

let zoneFormat: Intl.DateTimeFormat | undefined;

/** The local zone's abbreviation as Go's time.Zone() gives it ("UTC", "CET", …). */
let zoneCache: { offset: number; name: string } | undefined;

function zoneName(d: Date): string {
  // The abbreviation only changes with the offset (DST): format once per offset, not per tick.
  const offset = d.getTimezoneOffset();
  if (zoneCache?.offset === offset) return zoneCache.name;
  // Building a DateTimeFormat costs ~0.5 ms: one per process (the zone is fixed at start-up).
  zoneFormat ??= new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' });
  const parts = zoneFormat.formatToParts(d);
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'UTC';
  zoneCache = { offset, name };
  return name;
}

/** `time`: wall clock, zone offset and clock sources (/sys/devices/system/clocksource). */
export const timeCollector: Collector = {
  name: 'time',
  async collect(ctx) {
    const nowMs = ctx.now();
    const secs = family('node_time_seconds', 'gauge', 'System time in seconds since epoch (1970).');
    add(secs, {}, nowMs / 1000);
    const d = new Date(nowMs);
    const zone = family(
      'node_time_zone_offset_seconds',
      'gauge',
      'System time zone offset in seconds.',
    );
    // `0 -`, not unary minus: UTC must be 0, not -0.
    add(zone, { time_zone: zoneName(d) }, 0 - d.getTimezoneOffset() * 60);
    const where = "read from '/sys/devices/system/clocksource'.";
    const avail = family(
      'node_time_clocksource_available_info',
      'gauge',
      `Available clocksources ${where}`,
    );
    const cur = family(
      'node_time_clocksource_current_info',
      'gauge',
      `Current clocksource ${where}`,
    );
    let dirs: string[] = [];
    try {
      dirs = readdirSync(path.join(ctx.sysPath, 'devices/system/clocksource'));
    } catch {
      // no clocksource directory (non-Linux sysfs): only the clock itself is reported
    }
    for (const dir of dirs.filter((x) => /^clocksource\d+$/.test(x)).sort()) {
      const device = dir.slice('clocksource'.length);
      const base = `devices/system/clocksource/${dir}`;
      for (const cs of fields(await readSys(ctx, `${base}/available_clocksource`))) {
        add(avail, { clocksource: cs, device }, 1);
      }
      add(
        cur,
        { clocksource: (await readSys(ctx, `${base}/current_clocksource`)).trim(), device },
        1,
      );
    }
    const out: MetricFamily[] = [avail, cur, secs, zone];
    return out;
  },
};
