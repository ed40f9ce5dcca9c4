{% for r in results.results if r.plugin == 'strings' %}
{% for s in r.scan.strings %}
{{ '%3d'|format(loop.index) }} [{{ s|length }}] {{ s|tojson }} {{ s|e }}
{% endfor %}
{% endfor %}
