{% for r in results.results if r.plugin in ['hash', 'decompress'] %}
{{ r.scan|pprint }}
{% endfor %}
