/**
 * Argus's default notification templates. Same template NAMES and data as Alertmanager's
 * default.tmpl, so user templates that call `{{ template "slack.default.title" . }}` or
 * `__subject` keep working; the wording and layout are Argus's own. Argus adds the one-click
 * acknowledge link (`.AckURL`) to the email, Slack, Teams and Telegram bodies.
 */
export const DEFAULT_TEMPLATES = `
{{ define "__alertmanager" }}Argus{{ end }}
{{ define "__alertmanagerURL" }}{{ .ExternalURL }}/alerts?receiver={{ .Receiver | urlquery }}{{ end }}

{{ define "__subject" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.SortedPairs.Values | join " " }} {{ if gt (len .CommonLabels) (len .GroupLabels) }}({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .Values | join " " }}{{ end }}){{ end }}{{ end }}
{{ define "__description" }}{{ end }}

{{ define "__text_alert_list" }}{{ range . }}Labels:
{{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Annotations:
{{ range .Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}
{{ end }}Source: {{ .GeneratorURL }}
{{ end }}{{ end }}

{{ define "__text_alert_list_markdown" }}{{ range . }}
Labels:
{{ range .Labels.SortedPairs }}  - {{ .Name }} = {{ .Value }}
{{ end }}
Annotations:
{{ range .Annotations.SortedPairs }}  - {{ .Name }} = {{ .Value }}
{{ end }}
{{ if .GeneratorURL }}Source: [{{ .GeneratorURL }}]({{ .GeneratorURL }})
{{ end }}{{ end }}{{ end }}

{{/* Argus: the acknowledge line every chat/email body ends with when a link exists. */}}
{{ define "__argus_ack_text" }}{{ if .AckURL }}Acknowledge: {{ .AckURL }}
{{ end }}{{ end }}
{{ define "__argus_ack_markdown" }}{{ if .AckURL }}
[Acknowledge]({{ .AckURL }})
{{ end }}{{ end }}

{{ define "__argus_firing_resolved_text" }}{{ if gt (len .Alerts.Firing) 0 }}Firing:
{{ template "__text_alert_list" .Alerts.Firing }}{{ end }}{{ if gt (len .Alerts.Resolved) 0 }}Resolved:
{{ template "__text_alert_list" .Alerts.Resolved }}{{ end }}{{ end }}

{{ define "slack.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "slack.default.username" }}{{ template "__alertmanager" . }}{{ end }}
{{ define "slack.default.fallback" }}{{ template "slack.default.title" . }} | {{ template "slack.default.titlelink" . }}{{ end }}
{{ define "slack.default.callbackid" }}{{ end }}
{{ define "slack.default.pretext" }}{{ end }}
{{ define "slack.default.titlelink" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{ define "slack.default.iconemoji" }}{{ end }}
{{ define "slack.default.iconurl" }}{{ end }}
{{ define "slack.default.text" }}{{ if .AckURL }}<{{ .AckURL }}|Acknowledge>{{ end }}{{ end }}
{{ define "slack.default.footer" }}{{ end }}

{{ define "pagerduty.default.description" }}{{ template "__subject" . }}{{ end }}
{{ define "pagerduty.default.client" }}{{ template "__alertmanager" . }}{{ end }}
{{ define "pagerduty.default.clientURL" }}{{ template "__alertmanagerURL" . }}{{ end }}
{{ define "pagerduty.default.instances" }}{{ template "__text_alert_list" . }}{{ end }}

{{ define "email.default.subject" }}{{ template "__subject" . }}{{ end }}
{{ define "email.default.text" }}{{ template "__subject" . }}

{{ template "__argus_firing_resolved_text" . }}
{{ template "__argus_ack_text" . }}View in {{ template "__alertmanager" . }}: {{ template "__alertmanagerURL" . }}
{{ end }}
{{ define "__argus_email_alert" }}<tr><td style="padding:8px 16px;border-top:1px solid #e5e7eb">
<div style="font-weight:600">{{ .Labels.alertname | html }}</div>
<table style="font-size:13px;color:#374151">{{ range .Labels.SortedPairs }}<tr><td style="padding-right:12px;color:#6b7280">{{ .Name | html }}</td><td>{{ .Value | html }}</td></tr>{{ end }}</table>
{{ if gt (len .Annotations) 0 }}<table style="font-size:13px;color:#374151;margin-top:6px">{{ range .Annotations.SortedPairs }}<tr><td style="padding-right:12px;color:#6b7280">{{ .Name | html }}</td><td>{{ .Value | html }}</td></tr>{{ end }}</table>{{ end }}
{{ if .GeneratorURL }}<a href="{{ .GeneratorURL | html }}" style="font-size:13px;color:#2563eb">Source</a>{{ end }}
</td></tr>{{ end }}
{{ define "email.default.html" }}<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8"><title>{{ .Status | toUpper }}: {{ .GroupLabels.SortedPairs.Values | join " " | html }}</title></head>
<body style="margin:0;padding:16px;background:#f3f4f6;font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;font-size:14px">
<table width="100%" cellpadding="0" cellspacing="0" style="max-width:640px;margin:0 auto;background:#fff;border:1px solid #e5e7eb;border-radius:6px">
<tr><td style="padding:14px 16px;color:#fff;font-weight:600;background:{{ if eq .Status "firing" }}#b91c1c{{ else }}#15803d{{ end }}">{{ .Alerts | len }} alert{{ if gt (len .Alerts) 1 }}s{{ end }} for {{ range .GroupLabels.SortedPairs }}{{ .Name | html }}={{ .Value | html }} {{ end }}</td></tr>
<tr><td style="padding:12px 16px">{{ if .AckURL }}<a href="{{ .AckURL | html }}" style="display:inline-block;padding:8px 14px;margin-right:8px;background:#111827;color:#fff;text-decoration:none;border-radius:4px">Acknowledge</a>{{ end }}<a href="{{ template "__alertmanagerURL" . }}" style="display:inline-block;padding:8px 14px;background:#2563eb;color:#fff;text-decoration:none;border-radius:4px">View in {{ template "__alertmanager" . }}</a></td></tr>
{{ if gt (len .Alerts.Firing) 0 }}<tr><td style="padding:8px 16px;font-weight:600">[{{ .Alerts.Firing | len }}] Firing</td></tr>{{ range .Alerts.Firing }}{{ template "__argus_email_alert" . }}{{ end }}{{ end }}
{{ if gt (len .Alerts.Resolved) 0 }}<tr><td style="padding:8px 16px;font-weight:600">[{{ .Alerts.Resolved | len }}] Resolved</td></tr>{{ range .Alerts.Resolved }}{{ template "__argus_email_alert" . }}{{ end }}{{ end }}
<tr><td style="padding:12px 16px;font-size:12px;color:#6b7280"><a href="{{ .ExternalURL | html }}" style="color:#6b7280">Sent by {{ template "__alertmanager" . }}</a></td></tr>
</table></body></html>
{{ end }}

{{ define "msteams.default.summary" }}{{ template "__subject" . }}{{ end }}
{{ define "msteams.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "msteams.default.text" }}{{ if gt (len .Alerts.Firing) 0 }}
# Firing
{{ template "__text_alert_list_markdown" .Alerts.Firing }}{{ end }}{{ if gt (len .Alerts.Resolved) 0 }}
# Resolved
{{ template "__text_alert_list_markdown" .Alerts.Resolved }}{{ end }}{{ template "__argus_ack_markdown" . }}{{ end }}
{{ define "msteamsv2.default.title" }}{{ template "msteams.default.title" . }}{{ end }}
{{ define "msteamsv2.default.text" }}{{ template "msteams.default.text" . }}{{ end }}

{{ define "__telegram_alert_list" }}{{ range . }}{{ range .Labels.SortedPairs }} - {{ .Name | html }} = {{ .Value | html }}
{{ end }}{{ range .Annotations.SortedPairs }} - {{ .Name | html }}: {{ .Value | html }}
{{ end }}{{ if .GeneratorURL }}Source: {{ .GeneratorURL | html }}
{{ end }}
{{ end }}{{ end }}
{{ define "telegram.default.message" }}{{ if gt (len .Alerts.Firing) 0 }}<b>Firing</b>
{{ template "__telegram_alert_list" .Alerts.Firing }}{{ end }}{{ if gt (len .Alerts.Resolved) 0 }}<b>Resolved</b>
{{ template "__telegram_alert_list" .Alerts.Resolved }}{{ end }}{{ if .AckURL }}<a href="{{ .AckURL | html }}">Acknowledge</a>{{ end }}{{ end }}
`;
