{{/* Bitnami common.names.fullname: fullnameOverride, else <release>-<nameOverride|chart>
     (just the release when it contains that name), truncated to 63. */}}
{{- define "test.bitnamiFullname" -}}
{{- $v := .values -}}
{{- if $v.fullnameOverride -}}
{{- $v.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .chart $v.nameOverride -}}
{{- if contains $name .release -}}
{{- .release | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .release $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A Bitnami PostgreSQL Secret: postgres-password always, password for a user besides postgres. */}}
{{- define "test.postgresqlSecret" -}}
{{- $auth := .values.auth -}}
{{- if not $auth.existingSecret }}
---
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "test.bitnamiFullname" . }}
  labels:
    app.kubernetes.io/name: postgresql
    app.kubernetes.io/instance: {{ .release }}
type: Opaque
data:
  postgres-password: {{ $auth.postgresPassword | default (randAlphaNum 10) | toString | b64enc | quote }}
  {{- if and $auth.username (ne $auth.username "postgres") }}
  password: {{ $auth.password | default (randAlphaNum 10) | toString | b64enc | quote }}
  {{- end }}
{{- end }}
{{- end -}}
