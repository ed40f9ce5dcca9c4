{{ '3.5'|float }} {{ 2|float }} {{ 'x'|float }} {{ 'x'|float(1.5) }} {{ '1e3'|float }} {{ ' 0.25 '|float }} {{ none|float }} {{ '-0'|float }}
{% for r in results.results %}
{{ r.size|float }}
{% endfor %}
