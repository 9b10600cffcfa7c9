# The JupyterLab terminal of the course (.jupyter/jupyter_server_config.py starts bash with this file):
# the learner's own ~/.bashrc, then the repository as the working directory and the course's .venv active.
PS1='\w\$ '
unset MAKELEVEL MAKEFLAGS MFLAGS  # `make lab` started the server: a `make` typed here is a new one
if [ -f ~/.bashrc ]; then . ~/.bashrc; fi
cd "$(dirname "${BASH_SOURCE[0]}")/.." || return
if [ -f .venv/bin/activate ]; then . .venv/bin/activate; fi
