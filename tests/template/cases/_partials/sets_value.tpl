{% set leaked = 'from partial' %}
partial sees leaked={{ leaked }}
