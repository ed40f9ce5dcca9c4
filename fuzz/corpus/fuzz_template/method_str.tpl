{% for r in results.results %}
{% set name = r.filename|default('', true) %}
{{ name.split('.') }} {{ name.rsplit('.', 1)[-1] }} {{ name.startswith('in') }} {{ name.endswith(('.exe', '.dll')) }}
{{ name.upper() }} {{ name.lower() }} {{ ('  ' ~ name ~ '  ').strip() }} {{ name.replace('.', '_') }} {{ ', '.join(r.uuid) }}
{% endfor %}
