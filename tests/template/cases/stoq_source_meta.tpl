{% for r in results.results %}
{% if r.source_meta %}
payload {{ r.payload_id }}:
{% for k, v in r.source_meta.items() %}
  {{ k }} = {{ v if v is not none else '(null)' }}{{ ' [list]' if v is iterable and v is not string else '' }}
{% endfor %}
{% elif r.source_meta is none %}
payload {{ r.payload_id }}: source_meta is null
{% else %}
payload {{ r.payload_id }}: no source metadata
{% endif %}
{% endfor %}
