"""fakeaws: a strict local AWS for ecsdeploy's tests (see ../README.md)."""
