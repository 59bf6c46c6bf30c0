{{- define "orchestration.fullname" -}}
{{- if .Values.orchestration.fullnameOverride -}}
{{- .Values.orchestration.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains "zeebe" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-zeebe" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "camunda.matchLabels" -}}
app: camunda-platform
app.kubernetes.io/name: camunda-platform
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: camunda-platform
{{- end -}}

{{- define "camunda.labels" -}}
{{ include "camunda.matchLabels" . }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}

{{- define "orchestration.image" -}}
{{ .Values.orchestration.image.repository }}:{{ .Values.orchestration.image.tag }}
{{- end -}}
