{{ match.namespace }}:{{ match.rule }}{% if match.tags %} [{{ match.tags|join(', ') }}]{% endif %}
