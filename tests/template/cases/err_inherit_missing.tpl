{% extends "_partials/no_such_layout.tpl" %}
