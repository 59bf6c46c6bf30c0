{{- define "old.labels" -}}
app: airflow
component: {{ .component }}
chart: airflow-8.9.0
release: {{ .root.Release.Name }}
heritage: {{ .root.Release.Service }}
{{- end }}
{{- define "old.selector" -}}
app: airflow
component: {{ .component }}
release: {{ .root.Release.Name }}
{{- end }}
