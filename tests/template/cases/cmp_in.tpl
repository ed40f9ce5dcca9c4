{{ 'a' in 'abc' }} {{ 'z' in 'abc' }} {{ 3 in [1, 2, 3] }} {{ 'x' not in ['x'] }} {{ 2 in (1, 2) }} {{ '' in 'abc' }}
{% for r in results.results %}
{{ r.payload_id }}: {{ 'md5' in r }} {{ 'yara' in r.plugin }} {{ r.plugin not in ['hash', 'exif'] }}
{% endfor %}
{{ 'yara' in results.plugins.values() }} {{ '0' in results.plugins }} {{ 0 in results.plugins }}
