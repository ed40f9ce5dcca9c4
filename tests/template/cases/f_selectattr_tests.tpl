{% for r in results.results %}
{% if r.plugin == 'yara' %}
{{ r.payload_id }} high: {{ r.scan|selectattr('meta.severity', 'defined')|rejectattr('meta.severity', 'none')|selectattr('meta.severity', 'ge', 3)|map(attribute='rule')|join(',') }}
{{ r.payload_id }} tagged: {{ r.scan|selectattr('tags')|map(attribute='rule')|join(',') }}
{{ r.payload_id }} rule eq: {{ r.scan|selectattr('rule', 'eq', 'base64_pe_blob')|map(attribute='namespace')|first|default('-') }}
{{ r.payload_id }} ns in: {{ r.scan|selectattr('namespace', 'in', ['office', 'web'])|map(attribute='rule')|list }}
{% endif %}
{% endfor %}
{{ results.results|selectattr('size', 'gt', 4096)|map(attribute='size')|list }}
