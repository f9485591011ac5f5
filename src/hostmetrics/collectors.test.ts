import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { machine, tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cpuCollector } from './collector-cpu.js';
import { diskstatsCollector } from './collector-diskstats.js';
import { filefdCollector } from './collector-filefd.js';
import { filesystemCollector, parseMountinfo } from './collector-filesystem.js';
import { loadavgCollector } from './collector-loadavg.js';
import { meminfoCollector } from './collector-meminfo.js';
import { netclassCollector } from './collector-netclass.js';
import { netdevCollector } from './collector-netdev.js';
import { pressureCollector } from './collector-pressure.js';
import { sockstatCollector } from './collector-sockstat.js';
import { statCollector } from './collector-stat.js';
import { timeCollector } from './collector-time.js';
import { unameCollector } from './collector-uname.js';
import { COLLECTORS } from './collectors.js';
import { hostConfigSchema } from './config.js';
import { type Collector, OpenFiles, readSmall } from './family.js';
import { fixtureContext, flatten } from './hostmetrics-test-helpers.js';

const run = async (c: Collector) => flatten(await c.collect(fixtureContext()));

describe('host collectors on fixture /proc and /sys', () => {
  it('cpu: seconds per cpu and mode (USER_HZ 100), guest time', async () => {
    const m = await run(cpuCollector);
    assert.deepEqual(Object.keys(m), ['node_cpu_seconds_total', 'node_cpu_guest_seconds_total']);
    assert.equal(m.node_cpu_seconds_total.length, 16);
    assert.ok(m.node_cpu_seconds_total.includes('cpu=0,mode=user 6312.26'));
    assert.ok(m.node_cpu_seconds_total.includes('cpu=1,mode=idle 6625.05'));
    assert.ok(m.node_cpu_seconds_total.includes('cpu=1,mode=steal 4.62'));
    assert.deepEqual(m.node_cpu_guest_seconds_total, [
      'cpu=0,mode=nice 0',
      'cpu=0,mode=user 0',
      'cpu=1,mode=nice 0',
      'cpu=1,mode=user 0',
    ]);
  });

  it('stat: boot time, context switches, forks, interrupts, procs', async () => {
    assert.deepEqual(await run(statCollector), {
      node_intr_total: [' 15150363'],
      node_context_switches_total: [' 51130226'],
      node_boot_time_seconds: [' 1795741503'],
      node_forks_total: [' 243851'],
      node_procs_running: [' 5'],
      node_procs_blocked: [' 0'],
    });
  });

  it('meminfo: kB fields in bytes with _bytes, parenthesised names, unitless fields as is', async () => {
    const fams = await meminfoCollector.collect(fixtureContext());
    const m = flatten(fams);
    assert.deepEqual(m.node_memory_MemTotal_bytes, [` ${24683656 * 1024}`]);
    assert.deepEqual(m.node_memory_Active_anon_bytes, [` ${1552 * 1024}`]);
    assert.deepEqual(m.node_memory_HugePages_Total, [' 0']);
    const total = fams.find((f) => f.name === 'node_memory_MemTotal_bytes');
    assert.equal(total?.help, 'Memory information field MemTotal_bytes.');
    assert.equal(total?.type, 'gauge');
  });

  it('loadavg and filefd', async () => {
    assert.deepEqual(await run(loadavgCollector), {
      node_load1: [' 1.32'],
      node_load5: [' 1.46'],
      node_load15: [' 1.68'],
    });
    assert.deepEqual(await run(filefdCollector), {
      node_filefd_allocated: [' 551'],
      node_filefd_maximum: [' 2466165'],
    });
  });

  it('diskstats: default exclusions drop loop and zram; units; udev labels on node_disk_info', async () => {
    const m = await run(diskstatsCollector);
    assert.deepEqual(m.node_disk_info, [
      'device=vda,major=254,minor=0,model=QEMU_DISK,path=pci-0000:00:05.0,revision=2.5+,serial=abc123,wwn= 1',
    ]);
    assert.deepEqual(m.node_disk_reads_completed_total, ['device=vda 103321']);
    assert.deepEqual(m.node_disk_read_bytes_total, [`device=vda ${3887650 * 512}`]);
    assert.deepEqual(m.node_disk_written_bytes_total, [`device=vda ${71074248 * 512}`]);
    assert.deepEqual(m.node_disk_io_time_seconds_total, [`device=vda ${208196 * 0.001}`]);
    assert.deepEqual(m.node_disk_io_now, ['device=vda 0']);
    assert.deepEqual(m.node_disk_flush_requests_time_seconds_total, [
      `device=vda ${44629 * 0.001}`,
    ]);
    assert.equal(Object.keys(m).length, 18);
  });

  it('netdev: every /proc/net/dev column per device, lo included by default', async () => {
    const m = await run(netdevCollector);
    assert.equal(Object.keys(m).length, 16);
    assert.deepEqual(m.node_network_receive_bytes_total, [
      'device=eth0 1197162774',
      'device=ifb0 0',
      'device=ifb1 0',
      'device=lo 15295281592',
    ]);
    assert.deepEqual(m.node_network_transmit_packets_total[0], 'device=eth0 35828');
    assert.ok('node_network_transmit_colls_total' in m);
  });

  it('netdev: device exclusion', async () => {
    const ctx = fixtureContext();
    ctx.exclude.netDevices = /^(lo|ifb\d)$/;
    const m = flatten(await netdevCollector.collect(ctx));
    assert.deepEqual(m.node_network_receive_packets_total, ['device=eth0 41949']);
  });

  it('netclass: up from operstate, mtu', async () => {
    assert.deepEqual(await run(netclassCollector), {
      node_network_mtu_bytes: ['device=eth0 1400', 'device=lo 65536'],
      node_network_up: ['device=eth0 1', 'device=lo 0'],
    });
  });

  it('filesystem: mountinfo parsing, default exclusions, statfs figures, device errors', async () => {
    const m = await run(filesystemCollector);
    const root = 'device=/dev/vda,fstype=ext4,mountpoint=/';
    const data = 'device=tmpfs,fstype=tmpfs,mountpoint=/mnt/my data';
    const run_ = 'device=tmpfs,fstype=tmpfs,mountpoint=/run';
    const broken = 'device=server:/export,fstype=nfs,mountpoint=/broken';
    assert.deepEqual(m.node_filesystem_size_bytes, [
      `${root} 4096000`,
      `${data} 4096000`,
      `${run_} 4096000`,
    ]);
    assert.deepEqual(m.node_filesystem_free_bytes, [
      `${root} 2457600`,
      `${data} 2457600`,
      `${run_} 2457600`,
    ]);
    assert.deepEqual(m.node_filesystem_avail_bytes[0], `${root} 2048000`);
    assert.deepEqual(m.node_filesystem_files[0], `${root} 64`);
    assert.deepEqual(m.node_filesystem_files_free[0], `${root} 40`);
    assert.deepEqual(m.node_filesystem_readonly, [`${root} 0`, `${data} 1`, `${run_} 0`]);
    assert.deepEqual(m.node_filesystem_device_error, [
      `${root} 0`,
      `${broken} 1`,
      `${data} 0`,
      `${run_} 0`,
    ]);
  });

  it('parseMountinfo: optional fields, escapes, duplicates, garbage lines', () => {
    const ms = parseMountinfo(
      '1 2 0:1 / /a\\011b rw shared:1 master:2 - ext4 /dev/x rw\n' +
        '1 2 0:1 / /a\\011b rw shared:1 master:2 - ext4 /dev/x rw\n' +
        'garbage\n\n',
    );
    assert.deepEqual(ms, [
      { mountpoint: '/a\tb', readonly: false, fstype: 'ext4', device: '/dev/x' },
    ]);
  });

  it('pressure: totals in seconds; cpu "full" not reported (node_exporter 1.5)', async () => {
    assert.deepEqual(await run(pressureCollector), {
      node_pressure_cpu_waiting_seconds_total: [` ${3644366837 / 1000 / 1000}`],
      node_pressure_io_stalled_seconds_total: [` ${44531218 / 1000 / 1000}`],
      node_pressure_io_waiting_seconds_total: [` ${102379242 / 1000 / 1000}`],
      node_pressure_memory_stalled_seconds_total: [' 0'],
      node_pressure_memory_waiting_seconds_total: [' 0'],
    });
  });

  it('pressure: nothing without /proc/pressure', async () => {
    const ctx = fixtureContext();
    ctx.procPath = ctx.sysPath; // no pressure/ there
    assert.deepEqual(await pressureCollector.collect(ctx), []);
  });

  it('sockstat: IPv4 and IPv6 fields, mem also in bytes', async () => {
    const m = await run(sockstatCollector);
    assert.deepEqual(m.node_sockstat_sockets_used, [' 13']);
    assert.deepEqual(m.node_sockstat_TCP_tw, [' 33']);
    assert.deepEqual(m.node_sockstat_TCP_mem, [' 110']);
    assert.deepEqual(m.node_sockstat_TCP_mem_bytes, [` ${110 * 4096}`]);
    assert.deepEqual(m.node_sockstat_FRAG6_memory, [' 0']);
    assert.equal(Object.keys(m).length, 20); // as node_exporter 1.5 on the same files
  });

  it('time: clock, zone, clock sources', async () => {
    const m = await run(timeCollector);
    assert.deepEqual(m.node_time_seconds, [' 1795750000.123']);
    assert.equal(m.node_time_zone_offset_seconds.length, 1);
    assert.deepEqual(m.node_time_clocksource_available_info, [
      'clocksource=kvm-clock,device=0 1',
      'clocksource=tsc,device=0 1',
    ]);
    assert.deepEqual(m.node_time_clocksource_current_info, ['clocksource=tsc,device=0 1']);
  });

  it('uname: node_uname_info from /proc/sys/kernel', async () => {
    assert.deepEqual(await run(unameCollector), {
      node_uname_info: [
        `domainname=(none),machine=${machine()},nodename=vm,release=6.18.44-fc-v769,sysname=Linux,version=#1 SMP PREEMPT_DYNAMIC @0 1`,
      ],
    });
  });

  it('a missing source file is an error (the HostCollector reports it per collector)', async () => {
    const ctx = fixtureContext();
    ctx.procPath = '/nonexistent';
    for (const c of [
      cpuCollector,
      statCollector,
      meminfoCollector,
      loadavgCollector,
      filefdCollector,
    ]) {
      await assert.rejects(c.collect(ctx), /ENOENT/);
    }
  });

  it('the table has one collector per config key', () => {
    const keys = Object.keys(hostConfigSchema.parse({}).collectors).sort();
    assert.deepEqual(COLLECTORS.map((c) => c.name).sort(), keys);
  });

  it('config: interval minimum, bad regex, unknown collector named', () => {
    const bad = (v: unknown) =>
      hostConfigSchema
        .safeParse(v)
        .error?.issues.map((i) => i.message)
        .join('; ');
    assert.match(bad({ interval: '500ms' }) ?? '', /at least 1s/);
    assert.match(bad({ exclude: { fs_types: '(' } }) ?? '', /expected a regular expression/);
    assert.match(bad({ collectors: { gpu: true } }) ?? '', /gpu/);
    assert.equal(hostConfigSchema.parse({ interval: '1s' }).interval, 1000);
  });

  it('OpenFiles: a kept procfs fd re-reads fresh content at offset 0', async (t) => {
    const files = new OpenFiles();
    t.after(() => files.closeAll());
    // rchar counts the bytes this process has read: it grows with every read, this one too.
    const rchar = async () => Number(/rchar: (\d+)/.exec(await files.read('/proc/self/io'))?.[1]);
    const a = await rchar();
    const b = await rchar();
    assert.ok(a > 0 && b > a, `rchar ${a} then ${b}`);
    assert.equal(files.size, 1);
  });

  it('OpenFiles: large files whole, rewrites seen, unread files closed by sweep', async (t) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'argus-hostmetrics-open-'));
    const files = new OpenFiles();
    t.after(async () => {
      files.closeAll();
      await rm(dir, { recursive: true, force: true });
    });
    const big = 'x'.repeat(61_000) + 'é'.repeat(50_000) + '\n';
    await writeFile(path.join(dir, 'big'), big);
    await writeFile(path.join(dir, 'a'), 'one\n');
    assert.equal(await files.read(path.join(dir, 'big')), big);
    assert.equal(await files.read(path.join(dir, 'a')), 'one\n');
    await writeFile(path.join(dir, 'a'), 'two\n'); // same inode, truncated and rewritten
    assert.equal(await files.read(path.join(dir, 'a')), 'two\n');
    assert.equal(files.size, 2);
    files.sweep(); // both read since the last sweep: kept
    await files.read(path.join(dir, 'a'));
    files.sweep(); // big not read this round: closed
    assert.equal(files.size, 1);
    await assert.rejects(files.read(path.join(dir, 'missing')), { code: 'ENOENT' });
    await assert.rejects(files.read(dir), { code: 'EISDIR' }); // opens, then cannot read
    assert.equal(files.size, 1);
    files.closeAll();
    assert.equal(files.size, 0);
  });

  it('readSmall: files larger than one read come back whole', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'argus-hostmetrics-read-'));
    try {
      const big = 'x'.repeat(61_000) + 'y'.repeat(100_000) + '\n';
      await writeFile(path.join(dir, 'big'), big);
      assert.equal(await readSmall(path.join(dir, 'big')), big);
      await writeFile(path.join(dir, 'small'), 'abc\n');
      assert.equal(await readSmall(path.join(dir, 'small')), 'abc\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
