{{ '%s has %d payload(s)'|format(results.tlp, results.payloads) }}
{{ '%05d|%-6s|%x|%.2f|%5.1f|%%|%r'|format(42, 'ab', 255, 3.14159, 2.25, 'q') }}
{{ '%s'|format([1, 'a']) }} {{ '%(a)s-%(b)s'|format(a=1, b=2) }} {{ '%e'|format(12345.678) }} {{ '%g %g'|format(0.00001, 1e20) }}
{% for r in results.results %}
{{ '%-10s %8d %s'|format(r.plugin, r.size, r.md5|default('-')) }}
{% endfor %}
