// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title Cityverse collectible: the on-chain mirror of the platform's digital collectibles.
/// @notice The platform's verifiable ledger is the record of truth; this ERC-721 contract mirrors
/// it on an EVM consortium chain. Tokens are gifts only: nothing here is payable and no function
/// takes a price. A token moves only when it is not frozen and its holder has held it for the
/// holding period fixed at deployment. The operator mints and burns, regulators freeze and
/// unfreeze, and the operator may move any token (holders are custodial addresses the platform
/// keeps), always under the same freeze and holding-period rules as a holder's own transfer.
contract CityverseCollectible is ERC721, AccessControl {
    bytes32 public constant OPERATOR_ROLE = keccak256("OPERATOR_ROLE");
    bytes32 public constant REGULATOR_ROLE = keccak256("REGULATOR_ROLE");

    /// Seconds a holder must keep a token before it can be transferred again.
    uint64 public immutable holdingPeriod;

    /// When the current holder received each token (block timestamp).
    mapping(uint256 tokenId => uint64) public acquiredAt;
    mapping(uint256 tokenId => bool) public frozen;

    event Minted(uint256 indexed tokenId, address indexed to, string platformId);
    event Frozen(uint256 indexed tokenId, address indexed regulator);
    event Unfrozen(uint256 indexed tokenId, address indexed regulator);
    event Burned(uint256 indexed tokenId, address indexed operator);

    error TokenIsFrozen(uint256 tokenId);
    error HoldingPeriodNotOver(uint256 tokenId, uint64 transferableAt);
    error FreezeUnchanged(uint256 tokenId, bool frozen);

    constructor(
        string memory name_,
        string memory symbol_,
        uint64 holdingPeriod_,
        address admin,
        address operator,
        address regulator
    ) ERC721(name_, symbol_) {
        holdingPeriod = holdingPeriod_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(OPERATOR_ROLE, operator);
        _grantRole(REGULATOR_ROLE, regulator);
    }

    /// Mint `tokenId` to `to`; `platformId` is the token's identifier on the platform.
    function mint(address to, uint256 tokenId, string calldata platformId)
        external
        onlyRole(OPERATOR_ROLE)
    {
        // Checked here so that minting a taken id fails as a mint, not as a transfer.
        if (_ownerOf(tokenId) != address(0)) revert ERC721InvalidSender(address(0));
        _safeMint(to, tokenId);
        emit Minted(tokenId, to, platformId);
    }

    function freeze(uint256 tokenId) external onlyRole(REGULATOR_ROLE) {
        _setFrozen(tokenId, true);
        emit Frozen(tokenId, _msgSender());
    }

    function unfreeze(uint256 tokenId) external onlyRole(REGULATOR_ROLE) {
        _setFrozen(tokenId, false);
        emit Unfrozen(tokenId, _msgSender());
    }

    /// Burn `tokenId`, frozen or not: a burn is the platform's decision, not a transfer.
    function burn(uint256 tokenId) external onlyRole(OPERATOR_ROLE) {
        _burn(tokenId);
        delete frozen[tokenId];
        delete acquiredAt[tokenId];
        emit Burned(tokenId, _msgSender());
    }

    /// The earliest time `tokenId` may move (reverts for a token that does not exist).
    function transferableAt(uint256 tokenId) public view returns (uint64) {
        _requireOwned(tokenId);
        return acquiredAt[tokenId] + holdingPeriod;
    }

    /// The operator acts for every holder: holders are custodial addresses of the platform.
    function isApprovedForAll(address owner, address operator)
        public
        view
        override
        returns (bool)
    {
        return hasRole(OPERATOR_ROLE, operator) || super.isApprovedForAll(owner, operator);
    }

    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(ERC721, AccessControl)
        returns (bool)
    {
        return super.supportsInterface(interfaceId);
    }

    /// Every change of holder passes here: transfers are checked, acquisitions are stamped.
    function _update(address to, uint256 tokenId, address auth)
        internal
        override
        returns (address)
    {
        address from = _ownerOf(tokenId);
        if (from != address(0) && to != address(0)) {
            if (frozen[tokenId]) revert TokenIsFrozen(tokenId);
            uint64 allowedAt = acquiredAt[tokenId] + holdingPeriod;
            if (block.timestamp < allowedAt) revert HoldingPeriodNotOver(tokenId, allowedAt);
        }
        if (to != address(0)) acquiredAt[tokenId] = uint64(block.timestamp);
        return super._update(to, tokenId, auth);
    }

    function _setFrozen(uint256 tokenId, bool value) private {
        _requireOwned(tokenId);
        if (frozen[tokenId] == value) revert FreezeUnchanged(tokenId, value);
        frozen[tokenId] = value;
    }
}
