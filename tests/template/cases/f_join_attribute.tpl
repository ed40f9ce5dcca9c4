{{ results.results|join(', ', attribute='plugin') }}
{{ results.results|join('|', 'payload_id') }}
{% for r in results.results if r.plugin == 'yara' %}
{{ r.scan|join(', ', attribute='rule') }}
{% endfor %}
