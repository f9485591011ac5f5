/**
 * The built-in `argus-self-monitoring` rule group, kept as rule-file text so it is parsed and
 * validated exactly like a user's file (and can be printed, tested with promtool's format, or
 * copied into a Prometheus that watches Argus from outside).
 *
 * Every rule but the Watchdog reads Argus's own metrics as the self collector stores them
 * (`collect.self`: job="argus" in the default tenant). Each expression is quiet on a fresh idle
 * server: counters are compared over a window (increase), never by their value since start.
 */
export const SELF_MONITORING_RULES = `groups:
  - name: argus-self-monitoring
    interval: 30s
    rules:
      - alert: Watchdog
        expr: vector(1)
        labels:
          severity: none
        annotations:
          summary: Always firing, to prove that alerting works end to end.
          description: >-
            This alert is always firing. Route it to a dead man's switch (a heartbeat service
            that pages you when notifications stop arriving) with a short repeat_interval,
            e.g. 1m: if Argus, its rule evaluation or its notifications stop, the switch fires.

      - alert: ArgusIngestionStalled
        # Argus stores its own metrics every collect.self.interval: when even those stop
        # arriving, the store is not accepting samples (or the collector is stuck).
        expr: absent_over_time(up{job="argus"}[2m])
        for: 2m
        labels:
          severity: critical
        annotations:
          summary: Argus has stored none of its own metrics for 2 minutes.
          description: >-
            No up{job="argus"} sample was stored in the last 2 minutes although Argus writes
            one every collect.self.interval: samples are not being ingested. Look for
            "cannot commit samples" or "cannot store Argus metrics" in the log (a failed WAL
            write refuses every later append until a restart).

      - alert: ArgusWALErrors
        # Write errors (failed WAL write or fsync) and head chunk write errors as they happen;
        # WAL corruptions are found when a tenant opens: reported for the first hour after it.
        expr: |
          label_replace(increase(argus_tsdb_wal_write_errors_total{job="argus"}[10m]) > 0,
            "kind", "WAL write or fsync", "", "")
          or
          label_replace(increase(argus_tsdb_head_chunks_write_errors_total{job="argus"}[10m]) > 0,
            "kind", "head chunk write", "", "")
          or
          label_replace(argus_tsdb_wal_corruptions_total{job="argus"} > 0
            and on (job, instance) time() - process_start_time_seconds{job="argus"} < 3600,
            "kind", "WAL corruption", "", "")
        labels:
          severity: critical
        annotations:
          summary: "{{ $labels.kind }} errors in the TSDB of tenant {{ $labels.tenant }}."
          description: >-
            {{ $value | humanize }} {{ $labels.kind }} error(s) in tenant
            {{ $labels.tenant }} on {{ $labels.instance }}. After a failed WAL write the
            tenant refuses appends until Argus restarts; a WAL corruption means data written
            after the damaged spot was dropped when Argus started. See the log for details.

      - alert: ArgusRuleEvaluationFailures
        expr: increase(argus_rule_evaluation_failures_total{job="argus"}[5m]) > 0
        labels:
          severity: warning
        annotations:
          summary: "Rule group {{ $labels.rule_group }} is failing to evaluate."
          description: >-
            {{ $value | humanize }} evaluation(s) of rule group {{ $labels.rule_group }}
            (tenant {{ $labels.tenant }}) failed in the last 5 minutes: its alerts are not
            being updated. The rule's error is on the Rules page and in the log
            ("rule evaluation failed").

      - alert: ArgusNotificationsFailing
        # Failures while nothing gets through on that channel (occasional retried failures
        # next to successful deliveries are not an outage).
        expr: |
          increase(argus_notifications_failed_total{job="argus"}[10m]) > 0
          unless on (job, instance, channel)
          increase(argus_notifications_total{job="argus"}[10m]) > 0
        for: 5m
        labels:
          severity: critical
        annotations:
          summary: "Notifications through {{ $labels.channel }} are failing."
          description: >-
            {{ $value | humanize }} delivery attempt(s) through {{ $labels.channel }} failed in
            the last 10 minutes and none succeeded: alerts routed there are not reaching
            anyone. Check the receiver's configuration and the delivery receipts.

      - alert: ArgusDiskNearlyFull
        expr: |
          argus_data_dir_free_bytes{job="argus"} < 1073741824
          or
          argus_data_dir_free_bytes{job="argus"} < 0.1 * argus_data_dir_size_bytes{job="argus"}
        for: 5m
        labels:
          severity: warning
        annotations:
          summary: "Argus's data directory is nearly full ({{ $value | humanize1024 }}B free)."
          description: >-
            The file system of Argus's data directory {{ $labels.path }} on {{ $labels.instance }} has
            {{ $value | humanize1024 }}B left (less than 10% or 1 GiB). When it is full, the
            WAL cannot be written and ingestion stops: free space, shorten
            storage.tsdb.retention_time or set retention_size.
`;

/** The file name built-in groups carry (the `file` of /api/v1/rules). */
export const BUILTIN_RULES_FILE = '<builtin>';

/** The rule that needs no data and always fires. */
export const WATCHDOG = 'Watchdog';
