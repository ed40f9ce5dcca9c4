{{ 42|string }} {{ none|string }} {{ [1, 'a']|string }} {{ (42|string)|length }} {{ 1.0|string ~ '!' }} {{ true|string|upper }}
{% for r in results.results %}
{{ r.payload_id|string ~ ':' ~ r.size|string }}
{% endfor %}
