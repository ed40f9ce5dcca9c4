{% include ['_partials/nope1.tpl', '_partials/nope2.tpl'] %}
