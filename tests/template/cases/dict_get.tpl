{% for r in results.results %}
{{ r.get('filename', 'unnamed') }} {{ r.get('dispatcher', 'root') }} [{{ r.get('nope') }}] {{ r.get('size') }}
{% endfor %}
{{ results.get('tlp', 'white') }} {{ {'a': 1}.get('a') }} {{ {}.get('b', [1]) }}
