"""Fixtures of the commission service tests: a `core.testing_exam.CommissionWorld` in `sqlcipher_db`
and a blob store for the protocols. Test files import the fixtures they use from here.
"""
from __future__ import annotations

import secrets

import pytest

from core.blobstore import BlobStore
from core.testing_exam import CommissionWorld


@pytest.fixture
def world(sqlcipher_db, factory):
    return CommissionWorld(factory)


@pytest.fixture
def blobs(tmp_path):
    return BlobStore(tmp_path / "blobs", secrets.token_bytes(32))
