{{/*
Names and labels. A service's resources are named <fullname>-<service name>; its pods are selected by
app.kubernetes.io/name = the service name and app.kubernetes.io/instance = the release.
*/}}

{{- define "hosp-platform.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hosp-platform.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "hosp-platform.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The name of one service's resources. Call with (dict "root" $ "svc" $svc). */}}
{{- define "hosp-platform.serviceFullname" -}}
{{- printf "%s-%s" (include "hosp-platform.fullname" .root) .svc.name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "hosp-platform.selectorLabels" -}}
app.kubernetes.io/name: {{ .svc.name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "hosp-platform.labels" -}}
helm.sh/chart: {{ include "hosp-platform.chart" .root }}
{{ include "hosp-platform.selectorLabels" . }}
app.kubernetes.io/part-of: {{ include "hosp-platform.name" .root }}
app.kubernetes.io/component: {{ .svc.name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
{{- end -}}

{{/* Labels of the shared resources (the ConfigMap). */}}
{{- define "hosp-platform.commonLabels" -}}
helm.sh/chart: {{ include "hosp-platform.chart" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: {{ include "hosp-platform.name" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "hosp-platform.configMapName" -}}
{{- printf "%s-config" (include "hosp-platform.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* <registry><repository>/<service>:<tag>, or the service's own `image` value when it sets one. */}}
{{- define "hosp-platform.image" -}}
{{- if dig "image" "" .svc -}}
{{- .svc.image -}}
{{- else -}}
{{- $img := .root.Values.image -}}
{{- printf "%s%s/%s:%s" ($img.registry | default "") $img.repository .svc.name ($img.tag | default .root.Chart.AppVersion) -}}
{{- end -}}
{{- end -}}

{{/* The Secret that holds the service's DATABASE_URL. */}}
{{- define "hosp-platform.databaseSecretName" -}}
{{- $name := dig "databaseSecret" "name" "" .svc -}}
{{- if $name -}}
{{- $name -}}
{{- else -}}
{{- printf "%s-db" (include "hosp-platform.serviceFullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "hosp-platform.databaseSecretKey" -}}
{{- dig "databaseSecret" "key" .root.Values.database.secretKey .svc -}}
{{- end -}}
