{% import '_lib/macros.tpl' as m %}
{{ m.badge('stoQ') }}
{{ m.badge('payloads: ' ~ results.payloads, level='warn') }}
{{ m.row(['plugin', 'size']) }}
{% for r in results.results %}
{{ m.row([r.plugin, r.size], sep=' ; ') }}
{% endfor %}
{{ m.title }} v{{ m.version }}
