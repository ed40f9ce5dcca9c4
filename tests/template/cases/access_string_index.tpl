{% for r in results.results if r.md5 %}
{{ r.md5[0] }}{{ r.md5[1] }}..{{ r.md5[-1] }} {{ r.md5|length }}
{% endfor %}
