{{- define "t.labels" -}}
app.kubernetes.io/name: camunda-platform
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}
{{- define "t.meta" -}}
{{ include "t.labels" . }}
helm.sh/chart: {{ .ctx.Chart.Name }}-{{ .ctx.Chart.Version }}
{{- end }}
