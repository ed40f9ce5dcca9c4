{% for name, size in [('a.exe', 10), ('b.dll', 20)] %}
{{ name }}={{ size }}
{% endfor %}
{% for r in results.results if r.plugin == 'yara' %}
{% for offset, ident, data in r.scan|map(attribute='strings')|sum(start=[]) %}
{{ offset }} {{ ident }} {{ data }}
{% endfor %}
{% endfor %}
