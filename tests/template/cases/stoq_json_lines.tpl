{% for r in results.results %}
{{ {'payload_id': r.payload_id, 'plugin': r.plugin, 'sha1': r.sha1|default(none), 'tlp': results.tlp}|tojson }}
{% endfor %}
