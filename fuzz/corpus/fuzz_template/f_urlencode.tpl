{{ 'a b&c=d/é'|urlencode }} {{ {'q': 'x y', 'n': 1}|urlencode }} {{ [('k', 'v/w')]|urlencode }}
{% for r in results.results %}
{{ r.filename|default('', true)|urlencode }}
{% endfor %}
