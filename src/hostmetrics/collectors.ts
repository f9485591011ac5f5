import { cpuCollector } from './collector-cpu.js';
import { diskstatsCollector } from './collector-diskstats.js';
import { filefdCollector } from './collector-filefd.js';
import { filesystemCollector } from './collector-filesystem.js';
import { loadavgCollector } from './collector-loadavg.js';
import { meminfoCollector } from './collector-meminfo.js';
import { netclassCollector } from './collector-netclass.js';
import { netdevCollector } from './collector-netdev.js';
import { pressureCollector } from './collector-pressure.js';
import { sockstatCollector } from './collector-sockstat.js';
import { statCollector } from './collector-stat.js';
import { timeCollector } from './collector-time.js';
import { unameCollector } from './collector-uname.js';
import type { Collector } from './family.js';

/** Every built-in collector, in the order they run; each name is a `collectors:` config key. */
export const COLLECTORS: readonly Collector[] = [
  cpuCollector,
  diskstatsCollector,
  filefdCollector,
  filesystemCollector,
  loadavgCollector,
  meminfoCollector,
  netclassCollector,
  netdevCollector,
  pressureCollector,
  sockstatCollector,
  statCollector,
  timeCollector,
  unameCollector,
];

export type CollectorName =
  | 'cpu'
  | 'diskstats'
  | 'filefd'
  | 'filesystem'
  | 'loadavg'
  | 'meminfo'
  | 'netclass'
  | 'netdev'
  | 'pressure'
  | 'sockstat'
  | 'stat'
  | 'time'
  | 'uname';
