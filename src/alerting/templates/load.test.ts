import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sampleNotification } from '../notify/channels/testkit.js';
import { templateData } from './data.js';
import { defaultTemplateSet, loadTemplateSet, TemplateLoadError } from './load.js';

describe('notification templates', () => {
  it("define Alertmanager's template names", () => {
    const set = defaultTemplateSet();
    for (const name of [
      '__subject',
      '__text_alert_list',
      'email.default.subject',
      'email.default.html',
      'email.default.text',
      'slack.default.title',
      'slack.default.text',
      'slack.default.titlelink',
      'pagerduty.default.description',
      'pagerduty.default.instances',
      'msteams.default.title',
      'msteamsv2.default.text',
      'telegram.default.message',
    ])
      assert.ok(set.has(name), name);
  });

  it('render the data like Alertmanager: subject, alert lists, missing keys empty', async () => {
    const set = defaultTemplateSet();
    const d = templateData(sampleNotification());
    assert.equal(await set.execute('__subject', d), '[FIRING:1] HighCPU (critical)');
    set.parse(
      't',
      '{{ .GroupLabels.SortedPairs.Names }}|{{ .CommonLabels.nope }}|{{ range .Alerts.Resolved }}{{ .EndsAt.Unix }}{{ end }}|{{ (index .Alerts 0).EndsAt.IsZero }}',
    );
    assert.equal(await set.execute('t', d), '[alertname]||1767323045|true');
    const text = await set.execute('email.default.text', d);
    assert.match(text, /Acknowledge: http:\/\/argus\.example:9090\/api\/v1\/ack\?token=abc/);
    const html = await set.execute(
      'email.default.html',
      templateData(
        sampleNotification({
          commonAnnotations: {},
          alerts: [
            { ...sampleNotification().alerts[0], annotations: { summary: '<script>x</script>' } },
          ],
        }),
      ),
    );
    assert.match(html, /&lt;script&gt;x&lt;\/script&gt;/);
  });

  it('load user files after the defaults (globs in the file name), overriding by name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'argus-tmpl-'));
    await writeFile(
      join(dir, 'a.tmpl'),
      '{{ define "slack.default.title" }}custom {{ .Status }}{{ end }}',
    );
    await writeFile(join(dir, 'b.txt'), '{{ define "ignored" }}x{{ end }}');
    const set = await loadTemplateSet([join(dir, '*.tmpl'), join(dir, 'none-*.tmpl')]);
    assert.equal(
      await set.execute('slack.default.title', templateData(sampleNotification())),
      'custom firing',
    );
    assert.equal(set.has('ignored'), false);
    await writeFile(join(dir, 'bad.tmpl'), '{{ if }}');
    await assert.rejects(loadTemplateSet([join(dir, 'bad.tmpl')]), TemplateLoadError);
    await assert.rejects(loadTemplateSet([join(dir, '*/x.tmpl')]), /file name only/);
  });
});
