{{ [1, 2, 3]|join }} {{ [1, 2, 3]|join(', ') }} {{ ['a']|join('-') }} {{ []|join(',') }} {{ 'abc'|join('.') }}
{% for r in results.results %}
{{ r.uuid|join(' > ') }}
{% endfor %}
