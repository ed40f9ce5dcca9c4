{% for r in results.results %}
[{{ r|attr('plugin') }}] [{{ r|attr('nope') }}] {{ r|attr('plugin') is defined }} {{ r['plugin'] }}
{% endfor %}
