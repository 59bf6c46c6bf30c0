{{- define "new.labels" -}}
tier: airflow
component: {{ .component }}
release: {{ .root.Release.Name }}
chart: airflow-1.18.0
heritage: {{ .root.Release.Service }}
{{- end }}
{{- define "new.selector" -}}
tier: airflow
component: {{ .component }}
release: {{ .root.Release.Name }}
{{- end }}
{{- define "new.fernet" -}}
{{ .Values.fernetKeySecretName | default (printf "%s-fernet-key" .Release.Name) }}
{{- end }}
